"""Users, memberships, member invites, sign-in, verification and reset."""
