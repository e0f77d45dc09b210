"""Pulses: programs, rounds, schedules, rotation, invitations and dispatch."""
