//! Article cleanup: bylines, footers, headline lists (being written).
