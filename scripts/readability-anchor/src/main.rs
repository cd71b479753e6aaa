//! The readability anchor of `scripts/eval-extraction`: reads each HTML file named on the
//! command line with dom_smoothie (a Rust port of Mozilla's Readability.js) and prints one
//! JSON object per file: path, title, date, author, source, paragraphs, or error.

use dom_smoothie::{Config, Readability, TextMode};

fn main() {
    for path in std::env::args().skip(1) {
        let value = match read(&path) {
            Ok(v) => v,
            Err(e) => serde_json::json!({ "path": path, "error": e }),
        };
        println!("{value}");
    }
}

fn read(path: &str) -> Result<serde_json::Value, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let html = String::from_utf8_lossy(&bytes);
    let cfg = Config {
        text_mode: TextMode::Formatted,
        ..Default::default()
    };
    let mut readability = Readability::new(html.as_ref(), None, Some(cfg)).map_err(|e| e.to_string())?;
    let article = readability.parse().map_err(|e| e.to_string())?;
    let paragraphs: Vec<String> = article
        .text_content
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    Ok(serde_json::json!({
        "path": path,
        "title": article.title,
        "date": article.published_time,
        "author": article.byline,
        "source": article.site_name,
        "paragraphs": paragraphs,
    }))
}
