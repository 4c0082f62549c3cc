"""Every SQL statement of the API. Routes call these functions and get public models back."""
