namespace Notify.WebSocket.Tests.TestSupport;

/// <summary>The configuration blocks of the spec (WEBSOCKET_PROVIDER.md), pasted as they are.</summary>
internal static class SpecConfigurations
{
    public const string Internal = """
        {
          "providerType": "websocket",
          "channel": "websocket",
          "mode": "internal",
          "supportChannelBroadcast": true,
          "defaultChannels": ["system", "alerts"],
          "enabled": true
        }
        """;

    public const string ExternalSocketIo = """
        {
          "providerType": "websocket",
          "channel": "websocket",
          "mode": "external",
          "protocol": "socketio",
          "url": "https://notifications.example.com",

          "authType": "bearer",
          "authToken": "your-api-token",

          "supportChannelBroadcast": true,
          "defaultChannels": ["notifications", "alerts", "system"],

          "reconnection": true,
          "reconnectionAttempts": 5,
          "reconnectionDelay": 1000,
          "timeout": 20000,

          "enableCompression": true,
          "enableAcknowledgments": true,

          "customEvents": {
            "notification": "notify",
            "channelBroadcast": "channel:broadcast",
            "incomingMessage": "message:received"
          },

          "enableReceiving": true,
          "subscribeToEvents": ["message:received", "status:update", "data:sync"],
          "messageHandling": {
            "strategy": "all",
            "callbackUrl": "https://your-app.com/webhooks/websocket",
            "storeInDatabase": true,
            "publishToKafka": true,
            "kafkaTopic": "websocket.incoming.messages"
          },

          "enableRequestResponse": true,
          "requestTimeout": 10000,

          "transports": ["websocket", "polling"],
          "path": "/socket.io",

          "enabled": true
        }
        """;

    public const string ExternalNativeWs = """
        {
          "providerType": "websocket",
          "channel": "websocket",
          "mode": "external",
          "protocol": "ws",
          "url": "wss://api.example.com/ws",

          "authType": "query",
          "authQuery": {
            "token": "your-api-token",
            "client": "notification-system"
          },

          "reconnection": true,
          "reconnectionAttempts": 3,
          "reconnectionDelay": 2000,

          "enableCompression": true,
          "enableAcknowledgments": true,

          "enableReceiving": true,
          "subscribeToEvents": ["notification", "status", "error"],
          "messageHandling": {
            "strategy": "kafka",
            "publishToKafka": true,
            "kafkaTopic": "external.websocket.messages"
          },

          "enabled": true
        }
        """;
}
