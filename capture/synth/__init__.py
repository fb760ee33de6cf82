"""Sample photos with exact truth: decorated boards taped on walls, shot like a phone would."""
