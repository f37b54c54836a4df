using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mail.Shared.Platform.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WebmailOutboxAndSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WebmailIdentities",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    FromAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Signature = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: false),
                    IsDefault = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebmailIdentities", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WebmailOutbox",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    UserAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DueUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    LeaseUntilUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Recipients = table.Column<string>(type: "TEXT", nullable: false),
                    ProtectedPassword = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    DraftUid = table.Column<long>(type: "INTEGER", nullable: false),
                    DraftFolder = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    ReplyFolder = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    ReplyUid = table.Column<long>(type: "INTEGER", nullable: false),
                    Message = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebmailOutbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WebmailRecentRecipients",
                columns: table => new
                {
                    UserAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    LastUsedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UseCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebmailRecentRecipients", x => new { x.UserAddress, x.Address });
                });

            migrationBuilder.CreateTable(
                name: "WebmailRemoteImageSenders",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Sender = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebmailRemoteImageSenders", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WebmailSettings",
                columns: table => new
                {
                    UserAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    ComposeRichText = table.Column<bool>(type: "INTEGER", nullable: false),
                    ReplyAboveQuote = table.Column<bool>(type: "INTEGER", nullable: false),
                    UndoSendSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    PreferPlainText = table.Column<bool>(type: "INTEGER", nullable: false),
                    AlwaysLoadRemoteImages = table.Column<bool>(type: "INTEGER", nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 35, nullable: false),
                    Theme = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebmailSettings", x => x.UserAddress);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WebmailIdentities_UserAddress_FromAddress",
                table: "WebmailIdentities",
                columns: new[] { "UserAddress", "FromAddress" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebmailOutbox_State_DueUtc",
                table: "WebmailOutbox",
                columns: new[] { "State", "DueUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_WebmailOutbox_UserAddress",
                table: "WebmailOutbox",
                column: "UserAddress");

            migrationBuilder.CreateIndex(
                name: "IX_WebmailRecentRecipients_UserAddress_LastUsedUtc",
                table: "WebmailRecentRecipients",
                columns: new[] { "UserAddress", "LastUsedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_WebmailRemoteImageSenders_UserAddress_Sender",
                table: "WebmailRemoteImageSenders",
                columns: new[] { "UserAddress", "Sender" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WebmailIdentities");

            migrationBuilder.DropTable(
                name: "WebmailOutbox");

            migrationBuilder.DropTable(
                name: "WebmailRecentRecipients");

            migrationBuilder.DropTable(
                name: "WebmailRemoteImageSenders");

            migrationBuilder.DropTable(
                name: "WebmailSettings");
        }
    }
}
