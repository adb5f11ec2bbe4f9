//! Pronunciation practice: the recorded audio the client sends ([`AudioClip`]) and the
//! comparison of a transcript with the text the user meant to say ([`evaluate`]).

use base64::Engine;

use crate::InvalidValue;

/// The largest recording accepted, decoded (5 MiB: about a minute of 16-bit mono WAV at
/// 44.1 kHz; a sentence takes a few seconds).
pub const MAX_AUDIO_BYTES: usize = 5 * 1024 * 1024;

/// The longest expected text, in characters.
pub const PRONUNCIATION_TEXT_MAX_CHARS: usize = 1000;

/// The score at or above which an attempt passes when the client names no threshold
/// (the original's `evaluation_threshold` default).
pub const DEFAULT_PASS_THRESHOLD: f64 = 0.7;

/// A container format the speech-to-text API accepts, recognised by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioFormat {
    /// RIFF WAVE (what the iOS client records).
    Wav,
    /// MPEG-4 audio (`ftyp` box).
    M4a,
    /// MP3 (an ID3 tag or an MPEG audio frame header).
    Mp3,
    /// Ogg.
    Ogg,
    /// WebM (Matroska EBML header).
    Webm,
    /// FLAC.
    Flac,
}

impl AudioFormat {
    /// The format of `bytes`, from their signature; `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<AudioFormat> {
        match bytes {
            [
                b'R',
                b'I',
                b'F',
                b'F',
                _,
                _,
                _,
                _,
                b'W',
                b'A',
                b'V',
                b'E',
                ..,
            ] => Some(AudioFormat::Wav),
            [_, _, _, _, b'f', b't', b'y', b'p', ..] => Some(AudioFormat::M4a),
            [b'I', b'D', b'3', ..] => Some(AudioFormat::Mp3),
            [0xFF, second, ..] if second & 0xE0 == 0xE0 => Some(AudioFormat::Mp3),
            [b'O', b'g', b'g', b'S', ..] => Some(AudioFormat::Ogg),
            [0x1A, 0x45, 0xDF, 0xA3, ..] => Some(AudioFormat::Webm),
            [b'f', b'L', b'a', b'C', ..] => Some(AudioFormat::Flac),
            _ => None,
        }
    }

    /// The file extension the speech-to-text API infers the format from.
    pub fn extension(self) -> &'static str {
        match self {
            AudioFormat::Wav => "wav",
            AudioFormat::M4a => "m4a",
            AudioFormat::Mp3 => "mp3",
            AudioFormat::Ogg => "ogg",
            AudioFormat::Webm => "webm",
            AudioFormat::Flac => "flac",
        }
    }

    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            AudioFormat::Wav => "audio/wav",
            AudioFormat::M4a => "audio/mp4",
            AudioFormat::Mp3 => "audio/mpeg",
            AudioFormat::Ogg => "audio/ogg",
            AudioFormat::Webm => "audio/webm",
            AudioFormat::Flac => "audio/flac",
        }
    }
}

/// A decoded recording of a known format, at most [`MAX_AUDIO_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioClip {
    bytes: Vec<u8>,
    format: AudioFormat,
}

impl AudioClip {
    /// Decodes the client's `audio_data`: base64 (standard alphabet, padding optional,
    /// white space and a `data:audio/...;base64,` prefix tolerated) of a WAV, M4A, MP3,
    /// OGG, WebM or FLAC recording of at most [`MAX_AUDIO_BYTES`].
    pub fn from_base64(raw: &str) -> Result<AudioClip, InvalidValue> {
        let text = raw.trim();
        let text = match text.strip_prefix("data:") {
            Some(rest) => rest.split_once(',').map_or("", |(_, data)| data),
            None => text,
        };
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(InvalidValue::Empty);
        }
        // Checked before decoding, so an oversized body is never decoded.
        if compact.len() / 4 * 3 > MAX_AUDIO_BYTES + 3 {
            return Err(too_large());
        }
        let engine = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        let bytes = engine
            .decode(compact.as_bytes())
            .map_err(|_| InvalidValue::WrongType("base64-encoded audio"))?;
        if bytes.is_empty() {
            return Err(InvalidValue::Empty);
        }
        if bytes.len() > MAX_AUDIO_BYTES {
            return Err(too_large());
        }
        let format = AudioFormat::sniff(&bytes).ok_or(InvalidValue::WrongType(
            "a WAV, M4A, MP3, OGG, WebM or FLAC recording",
        ))?;
        Ok(AudioClip { bytes, format })
    }

    /// The recording.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Its format.
    pub fn format(&self) -> AudioFormat {
        self.format
    }

    /// A file name for the upload (`recording.wav`).
    pub fn file_name(&self) -> String {
        format!("recording.{}", self.format.extension())
    }
}

fn too_large() -> InvalidValue {
    InvalidValue::WrongType("audio of at most 5 MiB")
}

/// The outcome of comparing a transcript with the expected text.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// 0.0 (nothing in common) to 1.0 (the same letters), rounded to 3 decimals.
    pub similarity_score: f64,
    /// `similarity_score >= threshold`.
    pub passed: bool,
    /// A sentence for the user.
    pub feedback: String,
}

/// The text reduced to what pronunciation decides: lower-case letters and digits, in
/// order. Punctuation, apostrophes, white space and letter case do not count (a
/// transcript's punctuation and word splitting are the recogniser's, not the speaker's).
pub fn normalise_for_comparison(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// How close `heard` is to `expected`: one minus the edit distance (insertions,
/// deletions and substitutions of characters) between the normalised texts, divided by
/// the longer one's length; rounded to 3 decimals. Two texts with nothing to compare
/// score 0.
pub fn similarity(expected: &str, heard: &str) -> f64 {
    let a = normalise_for_comparison(expected);
    let b = normalise_for_comparison(heard);
    let longest = a.len().max(b.len());
    if longest == 0 || a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let distance = edit_distance(&a, &b);
    let score = 1.0 - distance as f64 / longest as f64;
    (score * 1000.0).round() / 1000.0
}

/// Levenshtein distance, one row of memory at a time (no indexing that could panic).
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous
                .get(j)
                .map_or(usize::MAX, |d| d + usize::from(ca != cb));
            let deletion = previous.get(j + 1).map_or(usize::MAX, |d| d + 1);
            let insertion = current.last().map_or(usize::MAX, |d| d + 1);
            current.push(substitution.min(deletion).min(insertion));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

/// Scores `heard` against `expected` and decides pass or fail at `threshold`.
pub fn evaluate(expected: &str, heard: &str, threshold: f64) -> Evaluation {
    let similarity_score = similarity(expected, heard);
    let passed = similarity_score >= threshold;
    let feedback = if normalise_for_comparison(heard).is_empty() {
        "No speech was recognized. Try again a little closer to the microphone.".to_owned()
    } else if similarity_score >= 0.95 {
        "Excellent! Your pronunciation matched the text.".to_owned()
    } else if passed {
        format!("Good job! We heard \"{}\".", heard.trim())
    } else {
        format!(
            "Keep practicing: we heard \"{}\". Listen to the text and try again.",
            heard.trim()
        )
    };
    Evaluation {
        similarity_score,
        passed,
        feedback,
    }
}

/// A pass threshold sent by the client: a number from 0 to 1.
pub fn pass_threshold(value: f64) -> Result<f64, InvalidValue> {
    if value.is_finite() && (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(InvalidValue::OutOfRange { min: 0, max: 1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    const WAV: &[u8] = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00";

    #[test]
    fn the_same_words_score_one_whatever_the_case_and_punctuation() {
        let cases = [
            ("Hello, world!", "hello world"),
            ("Don't stop.", "dont stop"),
            ("ice cream", "Ice-cream"),
            ("你好，世界", "你好 世界"),
            ("Café", "CAFÉ"),
        ];
        for (expected, heard) in cases {
            assert_eq!(
                similarity(expected, heard),
                1.0,
                "{expected:?} vs {heard:?}"
            );
        }
    }

    #[test]
    fn scores_are_one_minus_the_edit_distance_over_the_longer_text() {
        // "thecatsat" (9) vs "thecatsad" (9): one substitution → 1 - 1/9 = 0.889.
        assert_eq!(similarity("The cat sat.", "the cat sad"), 0.889);
        // "kitten" vs "sitting": distance 3 over 7 → 0.571.
        assert_eq!(similarity("kitten", "sitting"), 0.571);
        // "apple" (5) vs "apples" (6): one insertion → 1 - 1/6 = 0.833.
        assert_eq!(similarity("apple", "apples"), 0.833);
        // Nothing in common: "abc" vs "xyz" → 0.
        assert_eq!(similarity("abc", "xyz"), 0.0);
        // Nothing heard.
        assert_eq!(similarity("hello", ""), 0.0);
        assert_eq!(similarity("hello", " ...! "), 0.0);
    }

    #[test]
    fn an_attempt_passes_at_or_above_the_threshold() {
        let exact = evaluate("Good morning", "good morning", DEFAULT_PASS_THRESHOLD);
        assert!(exact.passed);
        assert_eq!(exact.similarity_score, 1.0);
        assert!(
            exact.feedback.starts_with("Excellent"),
            "{}",
            exact.feedback
        );

        // 0.889 passes 0.7 and fails 0.9.
        let close = evaluate("The cat sat.", "the cat sad", 0.7);
        assert!(close.passed);
        assert!(close.feedback.contains("the cat sad"), "{}", close.feedback);
        assert!(!evaluate("The cat sat.", "the cat sad", 0.9).passed);

        // Exactly at the threshold passes: "abcd" vs "abcx" = 0.75.
        assert!(evaluate("abcd", "abcx", 0.75).passed);

        let silence = evaluate("hello", "", 0.7);
        assert!(!silence.passed);
        assert!(
            silence.feedback.starts_with("No speech"),
            "{}",
            silence.feedback
        );

        let wrong = evaluate("hello", "goodbye", 0.7);
        assert!(!wrong.passed);
        assert!(
            wrong.feedback.starts_with("Keep practicing"),
            "{}",
            wrong.feedback
        );
    }

    #[test]
    fn thresholds_are_numbers_from_zero_to_one() {
        assert_eq!(pass_threshold(0.0), Ok(0.0));
        assert_eq!(pass_threshold(1.0), Ok(1.0));
        assert_eq!(pass_threshold(0.7), Ok(0.7));
        for bad in [-0.1, 1.01, f64::NAN, f64::INFINITY] {
            assert!(pass_threshold(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_are_recognised_by_their_signature() {
        let cases: [(&[u8], Option<AudioFormat>); 9] = [
            (WAV, Some(AudioFormat::Wav)),
            (b"\x00\x00\x00\x20ftypM4A \x00", Some(AudioFormat::M4a)),
            (b"ID3\x04\x00", Some(AudioFormat::Mp3)),
            (&[0xFF, 0xFB, 0x90, 0x64], Some(AudioFormat::Mp3)),
            (b"OggS\x00\x02", Some(AudioFormat::Ogg)),
            (&[0x1A, 0x45, 0xDF, 0xA3, 0x01], Some(AudioFormat::Webm)),
            (b"fLaC\x00", Some(AudioFormat::Flac)),
            (b"caff\x00\x01\x00\x00", None),
            (b"RIFF\x24\x00\x00\x00AVI LIST", None),
        ];
        for (bytes, expected) in cases {
            assert_eq!(AudioFormat::sniff(bytes), expected, "{bytes:?}");
        }
    }

    #[test]
    fn audio_is_decoded_from_base64_with_or_without_a_data_uri() {
        let clip = AudioClip::from_base64(&encode(WAV)).expect("a WAV");
        assert_eq!(clip.bytes(), WAV);
        assert_eq!(clip.format(), AudioFormat::Wav);
        assert_eq!(clip.file_name(), "recording.wav");

        let uri = format!("data:audio/wav;base64,{}", encode(WAV));
        assert_eq!(
            AudioClip::from_base64(&uri).map(|c| c.format()),
            Ok(AudioFormat::Wav)
        );

        let unpadded = encode(WAV).trim_end_matches('=').to_owned();
        let wrapped = format!(" {}\n{} ", &unpadded[..8], &unpadded[8..]);
        assert_eq!(
            AudioClip::from_base64(&wrapped).map(|c| c.bytes().len()),
            Ok(WAV.len())
        );
    }

    #[test]
    fn empty_malformed_unknown_or_oversized_audio_is_refused() {
        assert_eq!(AudioClip::from_base64(""), Err(InvalidValue::Empty));
        assert_eq!(AudioClip::from_base64("  \n"), Err(InvalidValue::Empty));
        assert_eq!(
            AudioClip::from_base64("not base64!"),
            Err(InvalidValue::WrongType("base64-encoded audio"))
        );
        assert!(matches!(
            AudioClip::from_base64(&encode(b"plain text, not audio")),
            Err(InvalidValue::WrongType(m)) if m.contains("WAV")
        ));
        let mut big = WAV.to_vec();
        big.resize(MAX_AUDIO_BYTES + 1, 0);
        assert_eq!(AudioClip::from_base64(&encode(&big)), Err(too_large()));
        let mut limit = WAV.to_vec();
        limit.resize(MAX_AUDIO_BYTES, 0);
        assert!(
            AudioClip::from_base64(&encode(&limit)).is_ok(),
            "the limit itself is fine"
        );
    }
}
