"""The report step: claims checked against computed numbers, the verdict page, the browser check."""
