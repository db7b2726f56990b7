"""GitHub Actions' OIDC issuer, as an IAM OIDC provider names it (no bindings: the emulator's
stand-in for an account's provider reads these too)."""

GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
# GitHub's published intermediate thumbprints; AWS no longer checks them for this provider, but
# provider 5.x still sends the field.
GITHUB_OIDC_THUMBPRINTS = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
