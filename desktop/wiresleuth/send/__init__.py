"""Sending a bundle to the helpdesk: the route to their server, the HTTPS upload."""
