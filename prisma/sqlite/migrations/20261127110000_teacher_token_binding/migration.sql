-- AlterTable
ALTER TABLE "TeacherToken" ADD COLUMN "domain" TEXT;
ALTER TABLE "TeacherToken" ADD COLUMN "email" TEXT;

