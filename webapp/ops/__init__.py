"""Operations: health checks, metrics, JSON logs with request ids, clear answers when the database fails."""
