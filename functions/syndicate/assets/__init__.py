"""Hosted images: uploads checked to be real images of an allowed type and size, stored once by
their SHA-256 under the site's ``media/`` prefix, and recorded with their exact facts."""
