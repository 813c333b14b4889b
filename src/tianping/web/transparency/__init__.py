"""Transparency documents on the platform: generated, owner-edited, versioned, published."""
