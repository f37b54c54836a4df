namespace Mail.Protocols.Smtp.Outbound;

internal sealed partial class OutboundScheduler
{
    /// <summary>Applies the <c>admin queue</c> requests dropped in <c>control/</c>; requests for a message in flight wait for its attempt to end.</summary>
    private async Task ApplyControlAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, verb, path) in _store.ListControlRequests())
        {
            lock (_lock)
            {
                if (!_controlSeen.Add(path))
                {
                    continue;
                }
                if (_inFlight.Contains(id))
                {
                    if (!_deferredControl.TryGetValue(id, out var list))
                    {
                        _deferredControl[id] = list = [];
                    }
                    list.Add((verb, path));
                    continue;
                }
            }
            await ApplyAsync(id, verb, path, cancellationToken);
        }
    }

    /// <summary>Applies one request, then deletes its file (the CLI waits for that).</summary>
    private async Task ApplyAsync(string id, string verb, string path, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyAsync(id, verb, cancellationToken);
        }
        finally
        {
            OutboundQueueStore.CompleteControl(path);
            lock (_lock)
            {
                _controlSeen.Remove(path);
            }
        }
    }

    private async Task ApplyAsync(string id, string verb, CancellationToken cancellationToken)
    {
        OutboundQueueEntry? entry;
        lock (_lock)
        {
            _entries.TryGetValue(id, out entry);
        }
        if (entry is null)
        {
            return;
        }
        OutboundLog.Control(_logger, id, verb);
        var now = _time.GetUtcNow();
        switch (verb)
        {
            case "delete":
                _store.Remove(id);
                lock (_lock)
                {
                    _entries.Remove(id);
                }
                return;
            case "hold":
                entry.Held = true;
                break;
            case "release":
                entry.Held = false;
                entry.NextAttempt = now;
                break;
            case "retry":
                entry.NextAttempt = now;
                break;
            default:
                return;
        }
        await _store.WriteEntryAsync(entry, cancellationToken);
        lock (_lock)
        {
            _due.Enqueue(id, entry.NextAttempt);
        }
    }
}
