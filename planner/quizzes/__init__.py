"""Customs-reform quizzes: question bank, attempts, prize draws and live rounds."""
