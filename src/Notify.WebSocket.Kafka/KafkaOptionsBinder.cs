using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;

namespace Notify.WebSocket.Kafka;

/// <summary>
/// Binds <c>messageHandling:strategies:kafka</c> by hand (no reflection, so trim- and AOT-safe): every unknown key and
/// every value that does not convert is kept, by its full key path, for the validator to report with the others.
/// </summary>
internal static class KafkaOptionsBinder
{
    /// <summary>The spec's keys directly under <c>messageHandling</c>, read as keys of the Kafka section.</summary>
    public static readonly IReadOnlyDictionary<string, string> SpecAliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["kafkaTopic"] = "topic",
        ["publishToKafka"] = "publish",
    };

    public static void Bind(IConfigurationSection section, KafkaStrategyOptions options)
    {
        foreach (var child in section.GetChildren())
        {
            switch (child.Key.ToUpperInvariant())
            {
                case "BOOTSTRAPSERVERS" when child.Value is { } servers:
                    options.BootstrapServers = servers;
                    break;
                case "TOPIC" when child.Value is { } topic:
                    options.Topic = topic;
                    break;
                case "PUBLISH" when child.Value is { Length: > 0 } publish:
                    if (bool.TryParse(publish, out var flag))
                    {
                        options.Publish = flag;
                    }
                    else
                    {
                        options.BindingErrors.Add($"{child.Path} is \"{publish}\"; use true or false.");
                    }

                    break;
                case "DELIVERYTIMEOUT" when child.Value is { Length: > 0 } timeout:
                    if (int.TryParse(timeout, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
                    {
                        options.DeliveryTimeout = TimeSpan.FromMilliseconds(ms);
                    }
                    else
                    {
                        options.BindingErrors.Add($"{child.Path} is \"{timeout}\", which is not a whole number of milliseconds; give one such as 30000 (the default).");
                    }

                    break;
                case "PUBLISH" or "DELIVERYTIMEOUT":
                    break; // empty (JSON null): the default stays
                case "PRODUCER":
                    BindProducer(child, options);
                    break;
                default:
                    options.BindingErrors.Add($"{child.Path} is not a setting of the Kafka strategy; use bootstrapServers, topic, publish, deliveryTimeout or producer.");
                    break;
            }
        }
    }

    private static void BindProducer(IConfigurationSection producer, KafkaStrategyOptions options)
    {
        var settings = producer.GetChildren().ToList();
        if (producer.Value is { Length: > 0 } || settings.Count == 0)
        {
            if (producer.Value is { Length: > 0 })
            {
                options.BindingErrors.Add($"{producer.Path} is \"{producer.Value}\" but must be an object of librdkafka settings, for example {{ \"linger.ms\": \"5\" }}.");
            }

            return;
        }

        // A copy: the code's ProducerConfig may be shared by every tenant.
        var config = new ProducerConfig(options.Producer.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        foreach (var setting in settings)
        {
            if (setting.Value is null)
            {
                options.BindingErrors.Add($"{setting.Path} must be a value (librdkafka settings are flat, for example \"sasl.username\").");
            }
            else
            {
                config.Set(setting.Key, setting.Value);
            }
        }

        options.Producer = config;
    }
}
