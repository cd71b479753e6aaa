//! Formats to articles (being written).
