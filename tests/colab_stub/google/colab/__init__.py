"""Stand-in for Colab's `google.colab` package, enough for the course's setup cell."""
