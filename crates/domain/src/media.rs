//! Media types of stored files.

/// The `Content-Type` of a video stored with `format` (`videos.format`, a file extension
/// such as `mp4`; any case, a leading `.` allowed). Unknown formats are
/// `application/octet-stream`.
pub fn video_content_type(format: &str) -> &'static str {
    let format = format.trim().trim_start_matches('.').to_ascii_lowercase();
    match format.as_str() {
        "mp4" => "video/mp4",
        "m4v" => "video/x-m4v",
        "mov" | "qt" => "video/quicktime",
        "webm" => "video/webm",
        "mkv" => "video/x-matroska",
        "avi" => "video/x-msvideo",
        "ogv" | "ogg" => "video/ogg",
        "mpeg" | "mpg" => "video/mpeg",
        "ts" => "video/mp2t",
        "3gp" => "video/3gpp",
        "3g2" => "video/3gpp2",
        "wmv" => "video/x-ms-wmv",
        "flv" => "video/x-flv",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_map_to_video_types() {
        let cases = [
            ("mp4", "video/mp4"),
            ("MP4", "video/mp4"),
            (".mov", "video/quicktime"),
            ("webm", "video/webm"),
            ("m4v", "video/x-m4v"),
            (" mkv ", "video/x-matroska"),
            ("exe", "application/octet-stream"),
            ("", "application/octet-stream"),
        ];
        for (format, expected) in cases {
            assert_eq!(video_content_type(format), expected, "{format:?}");
        }
    }
}
