print("overstap")
