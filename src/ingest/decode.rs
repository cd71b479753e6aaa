//! Bytes to text: encoding detection and decoding (being written).
