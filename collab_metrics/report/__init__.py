"""The report layer: report parts, papermill execution, HTML/PDF/xlsx export and history."""
