using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Notify.WebSocket.External;

namespace Notify.WebSocket.Benchmarks;

/// <summary>The notification payload every external send serializes once.</summary>
[MemoryDiagnoser]
public class PayloadSerializerBenchmarks
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly NotificationRecipient _user = NotificationRecipient.ForUser(Samples.UserId);
    private readonly NotificationRecipient _channel = NotificationRecipient.ForChannel(Samples.Channel);

    /// <summary>The straightforward way: the public payload record through System.Text.Json.</summary>
    [Benchmark(Baseline = true)]
    public byte[] StjPayloadRecord_WithData() =>
        JsonSerializer.SerializeToUtf8Bytes(NotificationPayload.Create(Samples.Id, _user, Samples.WithData, Samples.Timestamp), Web);

    [Benchmark]
    public byte[] Notification_WithData() =>
        PayloadSerializer.Notification(Samples.Id, _user, Samples.WithData, Samples.Timestamp, roomField: null, Samples.Json);

    [Benchmark]
    public byte[] Notification_TextOnly() =>
        PayloadSerializer.Notification(Samples.Id, _user, Samples.TextOnly, Samples.Timestamp, roomField: null, Samples.Json);

    [Benchmark]
    public byte[] Notification_Channel_WithData() =>
        PayloadSerializer.Notification(Samples.Id, _channel, Samples.WithData, Samples.Timestamp, roomField: "_room", Samples.Json);
}
