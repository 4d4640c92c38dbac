"""Typed, frozen model objects shared by every layer: metadata only, never sockets."""
