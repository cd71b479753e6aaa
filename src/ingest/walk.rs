//! Walking the folders (being written).
