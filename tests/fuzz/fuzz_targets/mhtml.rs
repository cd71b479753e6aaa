#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kosearch::fuzz::mhtml(data));
