using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Notify.WebSocket.AspNetCore.Gateway;
using Notify.WebSocket.AspNetCore.Identity;

namespace Notify.WebSocket.AspNetCore.Inbox;

/// <summary>
/// The inbox over HTTP, for the signed-in user of the request (the same claims, tenant rules and authentication as the
/// gateway): list, unread count, and read/unread/archive/unarchive, whose changes reach the user's connections live.
/// JSON in and out through source-generated metadata.
/// </summary>
internal static class InboxEndpoints
{
    private const int MaxBodyBytes = 64 * 1024;

    public static async Task ListAsync(HttpContext context)
    {
        if (await CallerAsync(context).ConfigureAwait(false) is not var (inbox, tenantId, userId))
        {
            return;
        }

        var query = context.Request.Query;
        if (!TryQuery(query, out var inboxQuery, out var problem))
        {
            await ProblemAsync(context, StatusCodes.Status400BadRequest, problem).ConfigureAwait(false);
            return;
        }

        await AnswerAsync(context, async ct => await inbox.ListAsync(tenantId, userId, inboxQuery, ct).ConfigureAwait(false), InboxJsonContext.Default.InboxPage).ConfigureAwait(false);
    }

    public static async Task UnreadCountAsync(HttpContext context)
    {
        if (await CallerAsync(context).ConfigureAwait(false) is var (inbox, tenantId, userId))
        {
            await AnswerAsync(context, async ct => new InboxUnreadCount(await inbox.GetUnreadCountAsync(tenantId, userId, ct).ConfigureAwait(false)), InboxJsonContext.Default.InboxUnreadCount).ConfigureAwait(false);
        }
    }

    /// <summary>POST read / unread / archive / unarchive: the body is the gateway's inbox request.</summary>
    public static RequestDelegate Change(string requestName) => context => ChangeAsync(context, requestName);

    private static async Task ChangeAsync(HttpContext context, string requestName)
    {
        if (await CallerAsync(context).ConfigureAwait(false) is not var (inbox, tenantId, userId))
        {
            return;
        }

        // A browser sends JSON across sites only after a CORS preflight, but a form (text/plain, urlencoded) without one:
        // a host that signs users in with cookies would otherwise take another site's form post as the user's change.
        if (!context.Request.HasJsonContentType())
        {
            await ProblemAsync(context, StatusCodes.Status415UnsupportedMediaType, "Send the body as JSON, with the header Content-Type: application/json.").ConfigureAwait(false);
            return;
        }

        InboxRequest? request = null;
        try
        {
            if (context.Request.ContentLength is null or <= MaxBodyBytes)
            {
                using var body = await JsonDocument.ParseAsync(new LimitedStream(context.Request.Body, MaxBodyBytes), cancellationToken: context.RequestAborted).ConfigureAwait(false);
                request = InboxRequestReader.TryRead(body.RootElement, allowAllAndThrough: requestName == GatewayEvents.InboxRead, out var read) ? read : null;
            }
        }
        catch (JsonException)
        {
        }

        if (request is null)
        {
            await ProblemAsync(context, StatusCodes.Status400BadRequest, requestName == GatewayEvents.InboxRead
                ? "The body must be { \"ids\": [..] }, { \"all\": true } or { \"stream\": \"<stream id>\", \"position\": <n from 0> }."
                : "The body must be { \"ids\": [..] }.").ConfigureAwait(false);
            return;
        }

        if (request.Stream is { } stream)
        {
            // As over the gateway: a stream that is not the user's is refused, not malformed.
            await AnswerAsync(
                context,
                ct => inbox.MarkReadThroughAsync(tenantId, userId, stream, request.Position!.Value, ct),
                InboxJsonContext.Default.InboxChange,
                _ => (StatusCodes.Status403Forbidden, new GatewayError($"The stream {stream} is not in your inbox.", GatewayErrorCodes.PositionRefused))).ConfigureAwait(false);
            return;
        }

        await AnswerAsync(context, ct => requestName switch
        {
            GatewayEvents.InboxRead when request.All => inbox.MarkAllReadAsync(tenantId, userId, ct),
            GatewayEvents.InboxRead => inbox.MarkReadAsync(tenantId, userId, request.Ids!, ct),
            GatewayEvents.InboxUnread => inbox.MarkUnreadAsync(tenantId, userId, request.Ids!, ct),
            GatewayEvents.InboxArchive => inbox.ArchiveAsync(tenantId, userId, request.Ids!, ct),
            _ => inbox.UnarchiveAsync(tenantId, userId, request.Ids!, ct),
        }, InboxJsonContext.Default.InboxChange).ConfigureAwait(false);
    }

    /// <summary>The inbox and the caller's tenant and user, as the gateway identifies connections; otherwise answers 401 or 403 and returns null.</summary>
    private static async Task<(INotificationInbox Inbox, string TenantId, string UserId)?> CallerAsync(HttpContext context)
    {
        var identity = context.RequestServices.GetRequiredService<ConnectionIdentityResolver>().Resolve(context.User, context.TraceIdentifier);
        if (identity?.UserId is { } userId)
        {
            return (context.RequestServices.GetRequiredService<INotificationInbox>(), identity.TenantId, userId);
        }

        await ErrorAsync(context, identity is null ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden, new GatewayError(
            identity is null
                ? "Unauthorized: the request has no user id and tenant id claims."
                : "Anonymous users have no inbox: sign in.",
            GatewayErrorCodes.Unauthorized)).ConfigureAwait(false);
        return null;
    }

    private static readonly string[] QueryParameters = ["limit", "cursor", "unread", "channel", "archived"];

    private static bool TryQuery(IQueryCollection query, out InboxQuery inboxQuery, out string problem)
    {
        inboxQuery = new InboxQuery();
        problem = string.Empty;
        if (Array.Find(QueryParameters, name => query[name].Count > 1) is { } repeated)
        {
            // Which one was meant cannot be told: taking either, or neither, would answer another question than asked.
            problem = $"{repeated} is given {query[repeated].Count} times; give it once.";
            return false;
        }

        if (query["limit"] is [{ } limitText])
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > InboxQuery.MaxLimit)
            {
                problem = $"limit must be a whole number from 1 to {InboxQuery.MaxLimit}.";
                return false;
            }

            inboxQuery = inboxQuery with { Limit = limit };
        }

        foreach (var (name, set) in new (string, Func<InboxQuery, bool, InboxQuery>)[] { ("unread", static (q, v) => q with { UnreadOnly = v }), ("archived", static (q, v) => q with { Archived = v }) })
        {
            if (query[name] is [{ } flagText])
            {
                if (!bool.TryParse(flagText, out var flag))
                {
                    problem = $"{name} must be true or false.";
                    return false;
                }

                inboxQuery = set(inboxQuery, flag);
            }
        }

        inboxQuery = inboxQuery with
        {
            Cursor = query["cursor"] is [{ Length: > 0 } cursor] ? cursor : null,
            Channel = query["channel"] is [{ Length: > 0 } channel] ? ChannelNames.Normalize(channel) : null,
        };
        return true;
    }

    /// <summary>Answers with the call's result; a refused argument with <paramref name="refused"/>'s answer (400 and its message by default), a store outage with 503.</summary>
    private static async Task AnswerAsync<T>(
        HttpContext context,
        Func<CancellationToken, Task<T>> call,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo,
        Func<ArgumentException, (int Status, GatewayError Error)>? refused = null)
    {
        T result;
        try
        {
            result = await call(context.RequestAborted).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            var (status, error) = refused?.Invoke(ex) ?? (StatusCodes.Status400BadRequest, new GatewayError(WithoutParameterName(ex), GatewayErrorCodes.InvalidRequest));
            await ErrorAsync(context, status, error).ConfigureAwait(false);
            return;
        }
        catch (WebSocketNotificationException ex) when (ex.Code == WebSocketErrorCodes.StoreUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
            await ProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "The inbox is unavailable; retry later.").ConfigureAwait(false);
            return;
        }

        await context.Response.WriteAsJsonAsync(result, typeInfo, contentType: null, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The message for the caller: the parameter name the framework appends means nothing over HTTP.</summary>
    private static string WithoutParameterName(ArgumentException exception)
    {
        var message = exception.Message;
        var suffix = $" (Parameter '{exception.ParamName}')";
        return exception.ParamName is not null && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }

    private static Task ProblemAsync(HttpContext context, int status, string message) =>
        ErrorAsync(context, status, new GatewayError(message, status == StatusCodes.Status503ServiceUnavailable ? GatewayErrorCodes.InboxUnavailable : GatewayErrorCodes.InvalidRequest));

    private static Task ErrorAsync(HttpContext context, int status, GatewayError error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(error, InboxJsonContext.Default.GatewayError, contentType: null, context.RequestAborted);
    }
}
