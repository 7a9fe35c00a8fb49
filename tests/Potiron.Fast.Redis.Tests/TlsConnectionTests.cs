using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Potiron.Fast.Redis.Tests;

/// <summary>TLS to a redis-server that serves a certificate from a private CA (made here, valid one day).</summary>
public sealed class TlsConnectionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tls_connects_with_the_ca_file_and_is_refused_without_it()
    {
        var folder = Path.Combine(Path.GetTempPath(), "potiron-tls-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var (caFile, certificateFile, keyFile) = WriteCertificates(folder);
            var port = FreePort();
            await using var server = await RedisServerProcess.StartAsync(
            [
                "--tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tls-cert-file", certificateFile,
                "--tls-key-file", keyFile, "--tls-ca-cert-file", caFile, "--tls-auth-clients", "no", "--bind", "127.0.0.1",
            ], Token);
            var options = new RedisConnectionOptions { Host = "localhost", Port = port, UseTls = true };

            var untrusted = await Assert.ThrowsAsync<SinkConfigurationException>(() => PotironStoreConnection.ConnectAsync(options, Token));
            Assert.Equal($"Cannot connect to Redis at localhost:{port} (TLS): TLS handshake failed: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot (give the CA file of the server's certificate).", untrusted.Message);

            await using var connection = await PotironStoreConnection.ConnectAsync(options with { TlsCaFile = caFile }, Token);
            await using var sink = new RedisCountSink(connection);
            await sink.OpenAsync(new RunParameters(), Token);
            Assert.True(await sink.CommitAsync(SampleCounts.File(), Token));
            Assert.True(await sink.IsImportedAsync(SampleCounts.File().FileName, Token));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Missing_ca_file_is_named()
    {
        var options = new RedisConnectionOptions { Host = "localhost", UseTls = true, TlsCaFile = "/nonexistent/ca.pem" };
        var failure = await Assert.ThrowsAsync<SinkConfigurationException>(() => PotironStoreConnection.ConnectAsync(options, Token));
        Assert.Equal("The TLS CA file /nonexistent/ca.pem does not exist.", failure.Message);
    }

    private static (string Ca, string Certificate, string Key) WriteCertificates(string folder)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=potiron test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var serverCertificate = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));

        var caFile = Path.Combine(folder, "ca.pem");
        var certificateFile = Path.Combine(folder, "server.pem");
        var keyFile = Path.Combine(folder, "server.key");
        File.WriteAllText(caFile, ca.ExportCertificatePem());
        File.WriteAllText(certificateFile, serverCertificate.ExportCertificatePem());
        File.WriteAllText(keyFile, serverKey.ExportPkcs8PrivateKeyPem());
        return (caFile, certificateFile, keyFile);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
