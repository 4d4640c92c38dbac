"""The helpdesk's profile: what to test and how long to take."""

from wiresleuth.profile.load import default_profile, load_profile, parse_profile
from wiresleuth.profile.model import Budgets, Helpdesk, Profile

__all__ = ["Budgets", "Helpdesk", "Profile", "default_profile", "load_profile", "parse_profile"]
