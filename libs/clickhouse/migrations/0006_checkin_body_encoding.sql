-- A ping body is whatever bytes the job posted. Inserts go through JSONEachRow from JavaScript strings, which
-- cannot carry bytes that are not UTF-8, so such a body is stored as its base64 and marked here; rows written
-- before this column read 'utf8', which is what they hold. (Numbered 0006 so it never shares a number with a
-- migration written beside it; the runner applies versions in order and needs no run without gaps.)
ALTER TABLE checkins ADD COLUMN body_encoding Enum8('utf8' = 1, 'base64' = 2) DEFAULT 'utf8';
