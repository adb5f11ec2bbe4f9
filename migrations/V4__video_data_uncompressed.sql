-- Videos are served in byte ranges (GET /v3/videos/{id} with a Range header) by reading
-- substring(video_data FROM a FOR n). For a value stored uncompressed out of line
-- (STORAGE EXTERNAL), PostgreSQL fetches only the TOAST chunks that hold the requested
-- bytes; a compressed value must be decompressed from its start up to the end of the
-- range. Video files are already compressed, so EXTERNAL costs no space. This applies to
-- values written from now on; existing rows keep their storage until rewritten.
ALTER TABLE videos ALTER COLUMN video_data SET STORAGE EXTERNAL;
