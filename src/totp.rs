//! Time-based one-time passwords (RFC 6238, as authenticator apps use them): 20-byte secrets in
//! base32, 6 digits per 30 s step, one step of clock drift either way; and the enrolment QR code.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new secret: 160 random bits, in base32 as apps take it.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes)?;
    Ok(base32(&bytes))
}

/// RFC 4648 base32, without padding.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !matches!(c, b' ' | b'=')) {
        let value = ALPHABET.iter().position(|a| *a == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// The code for time step `step` (RFC 4226 HOTP over the step counter).
fn code_at(secret: &[u8], step: i64) -> Option<u32> {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(secret).ok()?;
    mac.update(&step.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = (hash[hash.len() - 1] & 0x0f) as usize;
    let word = u32::from_be_bytes(hash.get(offset..offset + 4)?.try_into().ok()?) & 0x7fff_ffff;
    Some(word % 10u32.pow(DIGITS))
}

/// The step a 6-digit `code` is valid for at `now` (±1 step), if any: steps at or before
/// `last_used` are refused, so a code works once.
pub fn verify(secret: &str, code: &str, now: i64, last_used: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = code.parse().ok()?;
    let key = base32_decode(secret)?;
    let current = now.div_euclid(STEP_SECONDS);
    [current - 1, current, current + 1]
        .into_iter()
        .filter(|step| *step > last_used)
        .find(|step| code_at(&key, *step) == Some(wanted))
}

/// The 6-digit code for `now`, as an authenticator app would show it.
#[cfg(test)]
pub fn current_code(secret: &str, now: i64) -> Option<String> {
    let key = base32_decode(secret)?;
    code_at(&key, now.div_euclid(STEP_SECONDS)).map(|c| format!("{c:06}"))
}

/// The `otpauth://` URI apps read from the QR code.
pub fn uri(issuer: &str, account: &str, secret: &str) -> String {
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// The URI as an SVG QR code, drawn on the server.
pub fn qr_svg(uri: &str) -> String {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1, truncated to 6 digits.
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = base32(b"12345678901234567890");
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(current_code(&secret, time).as_deref(), Some(code), "{time}");
        }
        assert_eq!(
            base32_decode(&secret).as_deref(),
            Some(&b"12345678901234567890"[..])
        );
    }

    #[test]
    fn codes_work_once_within_a_step_of_drift() {
        let secret = base32(b"12345678901234567890");
        let now = 1_234_567_890;
        let code = current_code(&secret, now).unwrap_or_default();
        let step = verify(&secret, &code, now + 29, 0).expect("valid a step later");
        assert_eq!(verify(&secret, &code, now, step), None, "not twice");
        assert_eq!(
            verify(&secret, &code, now + 95, 0),
            None,
            "not three steps later"
        );
        assert_eq!(verify(&secret, "12345", now, 0), None);
        assert_eq!(verify(&secret, "abcdef", now, 0), None);
    }

    #[test]
    fn the_qr_code_is_an_svg() {
        let svg = qr_svg(&uri("Quire", "ada", &base32(b"12345678901234567890")));
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }
}
