-- A body function called at the top level (line 2).
compute("1ms")
