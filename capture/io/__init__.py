"""Files in and out: photo decoding, atomic writes, the output lock, JSON/CSV codecs, schemas,
OCR model files. Imports only capture.core."""
