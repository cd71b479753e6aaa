//! The progress bar of `kosearch index` (terminal only; the engine just reports events).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::index::update::Event;

/// A bar over the bytes to read, showing files, MB/s and the time left.
pub struct Bar {
    bar: ProgressBar,
    files: u64,
    total_files: u64,
}

impl Bar {
    /// A bar drawn on standard error.
    pub fn new() -> Bar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {msg} {binary_bytes_per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Bar {
            bar,
            files: 0,
            total_files: 0,
        }
    }

    /// Updates the bar for an event.
    pub fn event(&mut self, e: &Event) {
        match e {
            Event::Planned { files, bytes } => {
                self.total_files = *files as u64;
                self.bar.set_length(*bytes);
                self.bar.set_message(format!("0/{files} files"));
            }
            Event::FileDone { bytes } => {
                self.files += 1;
                self.bar.inc(*bytes);
                self.bar
                    .set_message(format!("{}/{} files", self.files, self.total_files));
            }
            Event::Committing => self.bar.set_message(format!(
                "{}/{} files, committing",
                self.files, self.total_files
            )),
        }
    }

    /// Removes the bar.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}
