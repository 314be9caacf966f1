//! Stage 05's specification: a frame carries any bytes, byte-exact, including none.
//!
//! The line below writes the tests every framed stage keeps: the PID line, ASCII, UTF-8
//! (accents, CJK, emoji), bytes that are not UTF-8, the empty message (a terminator could
//! not tell it from the end of one: a frame can), several clients in a row, and the
//! client's confirmation (`crates/kit/src/specs/delivery.rs`).

minitalk_kit::delivery_tests!(framed);
