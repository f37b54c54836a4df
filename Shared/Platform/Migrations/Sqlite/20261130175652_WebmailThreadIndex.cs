using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mail.Shared.Platform.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WebmailThreadIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WebmailThreadFolders",
                columns: table => new
                {
                    UserAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UidValidity = table.Column<long>(type: "INTEGER", nullable: false),
                    UidNext = table.Column<long>(type: "INTEGER", nullable: false),
                    HighestModSeq = table.Column<long>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebmailThreadFolders", x => new { x.UserAddress, x.Folder });
                });

            migrationBuilder.CreateTable(
                name: "WebmailThreadMessages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Uid = table.Column<long>(type: "INTEGER", nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 250, nullable: false),
                    ThreadId = table.Column<string>(type: "TEXT", maxLength: 250, nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    DateUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Seen = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebmailThreadMessages", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WebmailThreadMessages_UserAddress_Folder_Uid",
                table: "WebmailThreadMessages",
                columns: new[] { "UserAddress", "Folder", "Uid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebmailThreadMessages_UserAddress_MessageId",
                table: "WebmailThreadMessages",
                columns: new[] { "UserAddress", "MessageId" });

            migrationBuilder.CreateIndex(
                name: "IX_WebmailThreadMessages_UserAddress_ThreadId",
                table: "WebmailThreadMessages",
                columns: new[] { "UserAddress", "ThreadId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WebmailThreadFolders");

            migrationBuilder.DropTable(
                name: "WebmailThreadMessages");
        }
    }
}
