//! Articles to passages (being written).
