"""Network definition and what is generated from it: crypto, channel config, profiles, compose."""
