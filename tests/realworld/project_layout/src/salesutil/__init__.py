from .cleaning import clean, monthly
