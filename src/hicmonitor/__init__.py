"""hicmonitor: monitoring and reporting on High Impact Crimes in the Netherlands."""

__version__ = "0.1.0"
