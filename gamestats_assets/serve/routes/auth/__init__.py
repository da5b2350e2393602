"""How a player comes in by themselves (base `/api/v1/auth`): signing in with Steam or Epic Games, who is signed
in, and signing out."""
