using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Notify.WebSocket.AspNetCore.Tests.TestSupport;

namespace Notify.WebSocket.AspNetCore.Tests.Inbox;

/// <summary>Read state across devices: hub requests and the HTTP endpoints, seen live by the user's other connections.</summary>
public sealed class ReadStateTests
{
    [Fact]
    public async Task MarkRead_OnOneDevice_ReachesTheOthers_WithTheUnreadCount_ByIdThroughAPositionAndAll()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        await using var phone = await server.ConnectAsync("alice", "1");
        await using var laptop = await server.ConnectAsync("alice", "1");
        await using var bob = await server.ConnectAsync("bob", "1");
        var first = await server.SendToUserAsync("alice", "one");
        await server.SendToUserAsync("alice", "two");
        await server.SendToUserAsync("alice", "three");

        await phone.Connection.InvokeAsync("inbox:read", new { ids = new[] { first.MessageId } });
        var byId = await laptop.NextAsync("inbox:updated");
        await phone.Connection.InvokeAsync("inbox:read", new { stream = "t:1:user:alice", position = 2 });
        var through = await laptop.NextAsync("inbox:updated");
        await laptop.Connection.InvokeAsync("inbox:unread", new { ids = new[] { first.MessageId } });
        var unread = await phone.NextAsync("inbox:updated", e => e.GetProperty("kind").GetString() == "unread");
        await laptop.Connection.InvokeAsync("inbox:read", new { all = true });
        var all = await phone.NextAsync("inbox:updated", e => e.GetProperty("kind").GetString() == "readAll");

        Assert.Equal("read", byId.GetProperty("kind").GetString());
        Assert.Equal(first.MessageId, byId.GetProperty("ids")[0].GetString());
        Assert.Equal(2, byId.GetProperty("unreadCount").GetInt64());
        Assert.Equal(1, through.GetProperty("unreadCount").GetInt64());
        Assert.Equal(2, unread.GetProperty("unreadCount").GetInt64());
        Assert.Equal(0, all.GetProperty("unreadCount").GetInt64());
        Assert.Equal(3, all.GetProperty("positions").GetProperty("t:1:user:alice").GetInt64());
        Assert.DoesNotContain(bob.Received(), e => e.Event == "inbox:updated");
    }

    [Theory]
    [InlineData("inbox:read", "{}")]
    [InlineData("inbox:read", """{"ids":[]}""")]
    [InlineData("inbox:read", """{"ids":["a"],"all":true}""")]
    [InlineData("inbox:read", """{"stream":"t:1:user:alice"}""")]
    [InlineData("inbox:read", """{"stream":"junk","position":1}""")]
    [InlineData("inbox:read", """{"stream":"t:1:user:alice","position":-1}""")]
    [InlineData("inbox:archive", """{"all":true}""")]
    [InlineData("inbox:unread", "42")]
    [InlineData("inbox:read", """{"ids":[" "]}""")]
    [InlineData("inbox:archive", """{"ids":["a","\t"]}""")]
    [InlineData("inbox:read", """{"ids":["a"],"ids":["b"]}""")]
    public async Task MalformedInboxRequests_AreAnsweredWithInvalidRequest(string request, string body)
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        await using var alice = await server.ConnectAsync("alice", "1");

        await alice.Connection.InvokeAsync(request, JsonDocument.Parse(body).RootElement);

        Assert.Equal("INVALID_REQUEST", (await alice.NextAsync("error")).GetProperty("code").GetString());
    }

    [Fact]
    public async Task InboxRequestsWhoseIdsOrStreamAreNoText_FromTheJavaScriptClient_AreAnsweredWithInvalidRequest()
    {
        // Well-formed JSON (escaped lone surrogates) that holds no string; the .NET client cannot even send it. It used to
        // fail the invocation with an unexpected error and no error event.
        string[][] requests =
        [
            ["inbox:read", """{"ids":["\ud800"]}"""],
            ["inbox:archive", """{"ids":["a\udc00b"]}"""],
            ["inbox:read", """{"stream":"\ud800","position":1}"""],
            ["inbox:read", """{"\ud800":true}"""],
        ];
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        await using var client = await NodeSignalRClient.StartAsync(server.HubUrl, TestTokens.For("alice", "1"));
        Assert.True(client.Started);

        var codes = new List<string?>();
        foreach (var request in requests)
        {
            await client.SendAsync(request[0], "[" + request[1] + "]");
            codes.Add((await client.EventAsync("error")).GetProperty("code").GetString());
        }

        await server.SendToUserAsync("alice", "still connected");
        await client.EventAsync("notification:new", b => b.GetProperty("subject").GetString() == "still connected");

        Assert.Equal(["INVALID_REQUEST", "INVALID_REQUEST", "INVALID_REQUEST", "INVALID_REQUEST"], codes);
        Assert.DoesNotContain(client.Lines(), l => l.GetProperty("type").GetString() is "closed" or "send-failed");
    }

    [Fact]
    public async Task ReadThroughBeyondTheHead_MarksReadUpToTheHead_AndWhatIsStoredLaterStaysUnread()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        await using var phone = await server.ConnectAsync("alice", "1");
        await using var laptop = await server.ConnectAsync("alice", "1");
        await server.SendToUserAsync("alice", "one");
        await server.SendToUserAsync("alice", "two");

        // A stale position, from before the database was reset, say.
        await phone.Connection.InvokeAsync("inbox:read", new { stream = "t:1:user:alice", position = 1000 }, TestContext.Current.CancellationToken);
        var through = await laptop.NextAsync("inbox:updated");
        await server.SendToUserAsync("alice", "three");
        await server.SendToUserAsync("alice", "four");
        var page = await server.Inbox().ListAsync("1", "alice", new InboxQuery { Limit = 10 }, TestContext.Current.CancellationToken);

        Assert.Equal(2, through.GetProperty("position").GetInt64());
        Assert.Equal(0, through.GetProperty("unreadCount").GetInt64());
        Assert.Equal(2, await server.Inbox().GetUnreadCountAsync("1", "alice", TestContext.Current.CancellationToken));
        Assert.Equal(["four", "three", "two", "one"], page.Items.Select(i => i.Notification.Subject));
        Assert.Equal([false, false, true, true], page.Items.Select(i => i.Read));
    }

    [Fact]
    public async Task ReadThroughAChannel_NamedByTheClientInDecomposedForm_ReadsTheChannelItJoined()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        await using var alice = await server.ConnectAsync("alice", "1");
        await alice.JoinedAsync("public.caf\u00e9");
        await (await server.ProviderAsync("1")).SendToChannelAsync("public.caf\u00e9", new NotificationContent { Subject = "one" });
        await alice.NotificationAsync("one");

        // The id composed from the name as typed, with the accent as a combining mark.
        var result = await alice.Connection.InvokeAsync<JsonElement?>("inbox:read", new { stream = "t:1:channel:public.cafe\u0301", position = 1 }, TestContext.Current.CancellationToken);
        var read = await alice.NextAsync("inbox:updated");

        Assert.Null(result);
        Assert.Equal("t:1:channel:public.caf\u00e9", read.GetProperty("stream").GetString());
        Assert.Equal(0, read.GetProperty("unreadCount").GetInt64());
    }

    [Fact]
    public async Task ReadThroughAStreamOfAnotherUser_IsRefused()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        await using var alice = await server.ConnectAsync("alice", "1");

        var result = await alice.Connection.InvokeAsync<JsonElement?>("inbox:read", new { stream = "t:1:user:bob", position = 5 }, TestContext.Current.CancellationToken);
        var done = await alice.Connection.InvokeAsync<JsonElement?>("inbox:read", new { all = true }, TestContext.Current.CancellationToken);

        // The invocation itself says which request was refused (several may be in flight); the error event says it too.
        Assert.Equal("POSITION_REFUSED", result?.GetProperty("code").GetString());
        Assert.Equal("POSITION_REFUSED", (await alice.NextAsync("error")).GetProperty("code").GetString());
        Assert.Null(done);
    }

    [Fact]
    public async Task OverHttp_ReadThroughAStreamOfAnotherUser_IsRefusedAsOverTheGateway_AndMessagesNameNoParameter()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var refused = await SendAsync(http, HttpMethod.Post, "/inbox/read", new { stream = "t:1:user:bob", position = 5 }, "alice", "1");
        using var junk = await SendAsync(http, HttpMethod.Post, "/inbox/read", new { stream = "junk", position = 5 }, "alice", "1");
        using var badCursor = await SendAsync(http, HttpMethod.Get, "/inbox?cursor=not-ours", null, "alice", "1");
        var refusal = await refused.Content.ReadFromJsonAsync<JsonElement>();
        var cursorError = await badCursor.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("POSITION_REFUSED", refusal.GetProperty("code").GetString());
        Assert.Equal("The stream t:1:user:bob is not in your inbox.", refusal.GetProperty("message").GetString());
        Assert.False(refusal.TryGetProperty("channelName", out _));
        Assert.Equal(HttpStatusCode.BadRequest, junk.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Equal("INVALID_REQUEST", cursorError.GetProperty("code").GetString());
        Assert.DoesNotContain("(Parameter", cursorError.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpEndpoints_ListCountAndChange_ForTheSignedInUserOnly_ChangesReachTheirConnections()
    {
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        await using var aliceDevice = await server.ConnectAsync("alice", "1");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var sent = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            sent.Add((await server.SendToUserAsync("alice", "n" + i)).MessageId);
        }

        await server.SendToUserAsync("alice", "same user id, other tenant", tenantId: "2");

        var anonymous = await http.GetAsync(new Uri("/inbox", UriKind.Relative));
        var page = await GetAsync(http, "/inbox?limit=2", "alice", "1");
        var next = await GetAsync(http, "/inbox?limit=2&cursor=" + Uri.EscapeDataString(page.GetProperty("nextCursor").GetString()!), "alice", "1");
        var otherTenant = await GetAsync(http, "/inbox", "alice", "2");
        var read = await PostAsync(http, "/inbox/read", new { ids = new[] { sent[0] } }, "alice", "1");
        var live = await aliceDevice.NextAsync("inbox:updated");
        var count = await GetAsync(http, "/inbox/unread-count", "alice", "1");
        var unreadOnly = await GetAsync(http, "/inbox?unread=true", "alice", "1");
        var badBody = await SendAsync(http, HttpMethod.Post, "/inbox/archive", new { all = true }, "alice", "1");
        var badLimit = await SendAsync(http, HttpMethod.Get, "/inbox?limit=0", null, "alice", "1");
        using var twoLimits = await SendAsync(http, HttpMethod.Get, "/inbox?limit=1&limit=2", null, "alice", "1");
        using var twoCursors = await SendAsync(http, HttpMethod.Get, "/inbox?cursor=a&cursor=b", null, "alice", "1");
        using var noTenant = await SendAsync(http, HttpMethod.Get, "/inbox", null, "alice", tenantId: "");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(["n3", "n2"], Subjects(page));
        Assert.Equal(["n1"], Subjects(next));
        Assert.Equal(3, page.GetProperty("positions").GetProperty("t:1:user:alice").GetInt64());
        Assert.Equal(["same user id, other tenant"], Subjects(otherTenant));
        Assert.Equal(2, read.GetProperty("unreadCount").GetInt64());
        Assert.Equal(sent[0], live.GetProperty("ids")[0].GetString());
        Assert.Equal(2, count.GetProperty("unreadCount").GetInt64());
        Assert.Equal(["n3", "n2"], Subjects(unreadOnly));
        Assert.Equal(HttpStatusCode.BadRequest, badBody.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, twoLimits.StatusCode);
        Assert.Equal("limit is given 2 times; give it once.", (await twoLimits.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, twoCursors.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noTenant.StatusCode);
        Assert.Equal("UNAUTHORIZED", (await noTenant.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    private static string[] Subjects(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("notification").GetProperty("subject").GetString()!)];

    private static async Task<JsonElement> GetAsync(HttpClient http, string path, string userId, string tenantId)
    {
        using var response = await SendAsync(http, HttpMethod.Get, path, null, userId, tenantId);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body, string userId, string tenantId)
    {
        using var response = await SendAsync(http, HttpMethod.Post, path, body, userId, tenantId);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task OverHttp_AChangeWhoseBodyIsNotJson_IsRefusedWith415_AndChangesNothing(string? contentType)
    {
        // What a cross-site form can post without a CORS preflight, with the user's cookies on a cookie-signed host.
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        await server.SendToUserAsync("alice", "one");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var content = new ByteArrayContent("""{"all":true}"""u8.ToArray());
        if (contentType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/inbox/read", UriKind.Relative)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For("alice", "1"));

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("INVALID_REQUEST", error.GetProperty("code").GetString());
        Assert.Contains("Content-Type: application/json", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await server.Inbox().GetUnreadCountAsync("1", "alice", TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("/inbox/read", """{"ids":["\ud800"]}""")]
    [InlineData("/inbox/archive", """{"ids":["\udfff"]}""")]
    [InlineData("/inbox/read", """{"stream":"\ud800","position":1}""")]
    public async Task OverHttp_AnIdOrStreamThatIsNoText_IsAnsweredWithInvalidRequest(string path, string body)
    {
        // Well-formed JSON (an escaped lone surrogate) that is no string: it used to fail the request with a 500.
        using var directory = new TempDirectory();
        await using var server = await InboxGateway.StartAsync(directory.File("inbox.db"));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For("alice", "1"));

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("INVALID_REQUEST", error.GetProperty("code").GetString());
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, object? body, string userId, string tenantId)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(userId, tenantId));
        return http.SendAsync(request);
    }
}
