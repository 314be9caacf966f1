//! CRC-32, the checksum of zip, PNG and Ethernet, computed with a 256-entry table.
//!
//! The protocol already makes a lost or repeated bit impossible to miss (every bit
//! carries its index), so why a checksum? Because it checks the *whole* path end to end:
//! the client's framing, every bit, the server's reassembly. If any of it is wrong, the
//! server finds out before it prints, not the reader after. CRC-32 catches every error
//! burst up to 32 bits long and all but one in four billion of the others.

// ANCHOR: crc32
/// The CRC-32 (IEEE 802.3) of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc = TABLE[((crc ^ byte as u32) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

/// `TABLE[n]` is the effect of the byte `n` on the remainder, worked out once, at compile
/// time, so that `crc32` handles a byte in one step instead of eight.
const TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};
// ANCHOR_END: crc32

#[cfg(test)]
mod tests {
    use super::crc32;

    #[test]
    fn matches_the_standard_check_value() {
        // The check value every CRC-32 implementation publishes.
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn one_flipped_bit_changes_it() {
        let mut bytes = b"hello, world".to_vec();
        let good = crc32(&bytes);
        bytes[3] ^= 0x10;
        assert_ne!(crc32(&bytes), good);
    }
}
