#![no_main]

// libFuzzer's panic hook aborts before unwinding; the PDF reader's panics, which kosearch
// catches and reports as the file's failure (as the binary does), must not count as crashes.
libfuzzer_sys::fuzz_target!(
    init: { kosearch::ingest::document::silence_caught_panics(); },
    |data: &[u8]| kosearch::fuzz::document(data)
);
