-- An unknown field (a typo) in a declaration (line 2).
machine { cpu = 2 }
