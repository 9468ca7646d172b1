namespace Notify.WebSocket.External;

/// <summary>
/// The acknowledgment a server asked for with an incoming event, sent only once everyone who took the event has it
/// durably: the dispatcher holds it while handing the event out, each provider whose pipeline spools it holds it until
/// the spool's write is on disk, and the last release sends it. One never released (the spool refused the message)
/// is never sent, so the server sends the event again.
/// </summary>
internal sealed class IncomingAcknowledgment(Action acknowledge)
{
    private int _holds = 1;

    public void Hold() => Interlocked.Increment(ref _holds);

    public void Release()
    {
        if (Interlocked.Decrement(ref _holds) == 0)
        {
            acknowledge();
        }
    }
}
