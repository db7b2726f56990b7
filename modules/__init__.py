"""Reusable constructs: small typed surfaces, secure defaults, explicit opt-outs."""
