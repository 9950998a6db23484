"""Operator commands: build Fabric, build images, bring the consortium up and down, inspect it."""
