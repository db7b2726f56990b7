"""Custom checkov checks, loaded with --external-checks-dir policies."""
