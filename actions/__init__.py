"""Custom actions of the Rotterdam safety assistant (run by `rasa run actions`)."""
