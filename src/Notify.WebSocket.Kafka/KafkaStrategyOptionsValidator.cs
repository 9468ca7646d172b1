using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Notify.WebSocket.Kafka;

/// <summary>
/// Checks the Kafka options of every provider and tenant that uses the strategy, at start; the name it is given is the
/// full key path of the tenant's <c>messageHandling:strategies:kafka</c> section.
/// </summary>
internal sealed class KafkaStrategyOptionsValidator : IValidateOptions<KafkaStrategyOptions>
{
    private static readonly string[] SecretNames = ["password", "secret", "key", "token", "jaas"];

    private readonly ConcurrentDictionary<string, string?> _producerProblems = new(StringComparer.Ordinal);

    public ValidateOptionsResult Validate(string? name, KafkaStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = name ?? KafkaStrategyOptions.StrategyName;
        var errors = new List<string>(options.BindingErrors);
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            errors.Add($"{path}:bootstrapServers is required; set it there, or in code with .AddKafka(\"broker:9092\") on the builder AddWebSocketNotifications returns.");
        }

        if (string.IsNullOrWhiteSpace(options.Topic))
        {
            errors.Add($"{path}:topic is empty; give a topic name (here or as messageHandling:kafkaTopic) or leave it out for \"{KafkaStrategyOptions.DefaultTopic}\".");
        }

        if (options.DeliveryTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{path}:deliveryTimeout is {options.DeliveryTimeout.TotalMilliseconds} ms; it must be greater than 0.");
        }

        if (options.Key is null)
        {
            errors.Add($"{path}: KafkaStrategyOptions.Key is null; leave it out for the message id or give a function.");
        }

        // Once per distinct producer configuration, as producers are made: tenants that share settings share the check,
        // each of which creates and destroys a librdkafka client with its threads.
        if (errors.Count == 0 && _producerProblems.GetOrAdd(KafkaStrategy.Fingerprint(options), _ => ProducerProblem(options)) is { } problem)
        {
            errors.Add($"{path}:producer: librdkafka refuses these settings ({problem}); give librdkafka's own property names and values (its CONFIGURATION.md lists them).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// What librdkafka says of the producer settings, or null when it takes them. Only creating a client checks names,
    /// values and how they combine, so one is created here and destroyed at once.
    /// Values of settings whose names say they are secret are masked in the answer.
    /// </summary>
    private static string? ProducerProblem(KafkaStrategyOptions options)
    {
        try
        {
            using var producer = new ProducerBuilder<Null, Null>(KafkaStrategy.Config(options))
                .SetLogHandler(static (_, _) => { })
                .SetErrorHandler(static (_, _) => { })
                .Build();
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or KafkaException)
        {
            var message = ex.Message;
            foreach (var (key, value) in options.Producer)
            {
                if (value.Length > 0 && SecretNames.Any(n => key.Contains(n, StringComparison.OrdinalIgnoreCase)))
                {
                    message = message.Replace(value, "***", StringComparison.Ordinal);
                }
            }

            return message;
        }
    }
}
